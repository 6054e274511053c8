"""Figures as pure functions of (dataset, view): Plotly figures and the Leaflet map for the pages."""
