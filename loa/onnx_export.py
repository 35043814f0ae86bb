"""Export the bundled all-MiniLM-L6-v2 to ONNX, once, from its local weights (never from a hub).

Run as ``python -m loa.onnx_export OUT``: loa/embedding.py starts it in a child process the first time
a model file is missing, so torch is only ever imported here and never stays in the app, the bot or
ingest. Uses torch's own exporter (``torch.onnx.export``) on the transformer; pooling and
normalisation stay in loa/embedding.py, as sentence-transformers does them.
"""

from __future__ import annotations

import sys
from pathlib import Path


def export(out: Path) -> None:
    from loa.settings import configure_offline

    configure_offline()
    import torch
    from transformers import AutoModel

    from loa.embedding import model_dir

    base = AutoModel.from_pretrained(str(model_dir())).eval()

    class Encoder(torch.nn.Module):
        """The transformer's last hidden state: what mean pooling reads."""

        def __init__(self) -> None:
            super().__init__()
            self.base = base

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.base(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    dummy = torch.ones((1, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with torch.no_grad():
        torch.onnx.export(
            Encoder(),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(out)  # a killed export never leaves a half-written model


def quantize(source: Path, out: Path) -> None:
    """int8 dynamic quantisation (onnxruntime's ``quantize_dynamic``): measured, not used by default."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = out.with_suffix(".tmp")
    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8)
    tmp.replace(out)


if __name__ == "__main__":
    if not Path(sys.argv[1]).is_file():
        export(Path(sys.argv[1]))
    if len(sys.argv) > 2:
        quantize(Path(sys.argv[1]), Path(sys.argv[2]))
