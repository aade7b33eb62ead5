"""Tools for course authors: seeing the shape of what they wrote."""
