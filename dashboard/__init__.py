"""The analysts' dashboard: a Streamlit app over the warehouse's marts, opened read-only."""
