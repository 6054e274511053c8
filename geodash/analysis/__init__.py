"""Pure analysis functions: (Geo)DataFrames in, new (Geo)DataFrames out; no Dash, no files."""
