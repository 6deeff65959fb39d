"""The Signpost directory: commissioned VAWG support services shaped as Open Referral UK 3.0."""
