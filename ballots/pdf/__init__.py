"""Everything printed: voting cards, the result to sign and post, and their Chinese font."""
