"""The answer stages, run in order over one ``Asked`` context (bot/context.py).

route (in Bot.ask) -> frame -> direct -> retrieve -> decide -> write -> annotate.
Any stage may end the answer by returning a response; annotate always does.
"""
