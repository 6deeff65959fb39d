"""Commissioner insights (docs/insights.md): anonymous daily counts of what people needed
and where local help was missing, counted as it happens and published with small numbers
suppressed."""
