"""Implementation, milestones and warnings arrive with the tracking work."""
