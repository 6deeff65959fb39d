"""Signpost's knowledge base: short answers to the questions people ask.

One reviewable file per topic in knowledge/topics/<slug>.yml (audience, the helplines it
names by their directory slug, the public sources it rests on, when it was checked, its
review status, and the paraphrases the assistant learns to recognise it from); the answer's
words live in locales/knowledge.<language>.yml, so every language is translated in one place.
Read by the action server (the assistant's answers) and by the API (the staff finder).
"""

from knowledge.base import Source, Topic, load_topics, topic_key

__all__ = ["Source", "Topic", "load_topics", "topic_key"]
