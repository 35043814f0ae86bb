"""Everything the app says in its own words, in plain language, in one place."""

from __future__ import annotations

from bot.wording import MESSAGES

TITLE = "Local Offer Assistant"

HEADLINE = """\
# Local Offer Assistant

Ask about **special educational needs and disabilities (SEND) services in Leeds**. Answers quote the Leeds
Local Offer documents, with their sources. Please don't type names, addresses or phone numbers.
"""

# folded below the examples: what the service is, and the privacy note in full
ABOUT = (
    '<details class="loa-about"><summary>About this service and your privacy</summary>'
    "<p>Answers come only from the Leeds Local Offer pages and the Leeds SEND strategy and policies. Every answer "
    "shows its sources, so you can check the exact words.</p>"
    "<p>This is an information service. It <strong>does not make decisions</strong> about any child, and it "
    "can&#x27;t tell you what will happen for your family. For advice about your situation, contact the service "
    "named in the answer or Leeds SENDIASS (the SEND Information, Advice and Support Service).</p>"
    '<div class="loa-privacy" role="note"><p><strong>Please keep it private.</strong> '
    "Don&#x27;t type names, dates of birth, addresses, phone numbers or NHS numbers. You don&#x27;t need them "
    "to get an answer. We keep the questions people ask, with these details removed, for up to 90 days, so "
    "council staff can see what families need and improve the Local Offer pages. If you leave feedback, we "
    "remove these details before we store it too.</p></div>"
    "</details>"
)

# shown under an answer an LLM wrote (LOA_LLM); extractive answers are quotes and need no label
LLM_WRITTEN = MESSAGES["llm_written"]

QUESTION_LABEL = "Your question"
SUGGESTIONS_LABEL = "You could ask:"
QUESTION_INFO = "Press Enter to ask. Use Shift and Enter for a new line."
QUESTION_PLACEHOLDER = "For example: who can help my child with speech and language at nursery?"

FAMILY_EXAMPLES = [
    "my son is 2 and not talking, can someone visit us?",
    "who do I email about exclusions?",
    "we home educate our son, who can we talk to?",
]
STAFF_EXAMPLES = [
    "What exactly does the mainstream school offer say about the budget for SEND?",
    "What does the SEND strategy say about inclusion?",
    "What does an educational psychologist do?",
]

EMPTY_CHAT = "Your questions and answers will appear here."
TOO_LONG = (
    "Your question is {length:,} characters long. Please shorten it to {limit:,} characters or fewer and ask "
    "again. Your text is still in the question box."
)
ERROR = "Sorry, something went wrong on our side and I couldn't answer that. Please try again in a moment."

FEEDBACK_THANKS = "Thank you. Your feedback has been saved."
FEEDBACK_REMOVED = "Your feedback on that answer has been removed."
FEEDBACK_FAILED = "Sorry, we couldn't save your feedback just now. Your answers are not affected."
FEEDBACK_COMMENT_LABEL = "Tell us more (optional)"
FEEDBACK_COMMENT_INFO = "What was helpful or missing? Please don't include personal details."
COMMENT_SAVED = "Thank you. Your comment has been saved."
COMMENT_EMPTY = "Please type a comment first, or just leave the thumbs up or down."
COMMENT_NO_TARGET = "Please choose thumbs up or down on an answer first."

WORDING_INTRO = """\
### Find the exact wording

For staff who need to quote the documents. Search for words or a phrase, and narrow it down by document or
status. Each result shows the passage exactly as written, where it sits in the document, and the text around it.
Draft documents may differ from what was finally published.
"""
WORDING_LOCKED = "This part is for staff. Please sign in at /staff/login."
STAFF_TITLE = "Local Offer Assistant: staff area"
SIGNIN_INTRO = "This area is for Leeds City Council and school staff. Please sign in."
SIGNIN_FAILED = "That user name and password don't match. Please try again."
SIGNIN_CLOSED = "No staff accounts are set up, so the staff area is closed. Ask IT to set one up."
SIGNED_OUT = "You have signed out."
SIGNIN_WAIT = "Too many sign-in attempts. Please wait a minute and try again."
INSIGHTS_INTRO = """\
### What families asked

The questions asked in the app and through `/ask`, with personal details removed, grouped by topic. **Content
gaps** are the questions the Leeds documents could not answer, or answered only in part: what the Local Offer
pages should say and don't.
"""
INSIGHTS_EMPTY = "No questions were logged in this period."
INSIGHTS_OFF = "The question log is switched off (LOA_QUESTION_LOG=off), so there is nothing to show."
WORDING_NEED_QUERY = "Please type some words to search for."
WORDING_NONE = "No passages matched. Try fewer or different words, or clear the filters."
WORDING_TOO_LONG = "Please use {limit:,} characters or fewer."
EXPORT_FAILED = (
    "Sorry, the feedback file couldn't be made just now. Please try again, or ask IT to run: python -m feedback export"
)
EXPORT_NONE = "There is no feedback yet."
EXPORT_DONE = "The feedback file is ready ({count} record{s}). Use the link below to download it."
EXPORT_LINK = "Download feedback.csv ({count} record{s})"
SKIP_LINK = "Skip to the question box"
