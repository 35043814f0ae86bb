"""The web app's parts: HTML rendering, chat and feedback handlers, the staff wording search.

Importing ``ui`` turns telemetry off before Gradio is imported by any submodule.
"""

from pathlib import Path

from loa.settings import configure_offline

configure_offline()

STYLE = Path(__file__).with_name("style.css")
HEAD = Path(__file__).with_name("head.html")  # our script, and the styles Gradio would scope
