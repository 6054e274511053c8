"""Figures as pure functions of (dataset, view): Plotly figures for the pages, folium for export."""
