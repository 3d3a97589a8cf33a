"""Handouts: the library built from the article's strategies, giving, personalising and printing."""
