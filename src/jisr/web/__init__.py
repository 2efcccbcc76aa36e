"""Screens: base templates, static assets (vendored, no CDN), navigation, views."""
