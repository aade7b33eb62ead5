"""Web infrastructure shared by every blueprint: templates, forms, assets, headers, limits."""
