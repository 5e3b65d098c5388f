"""Report builders and charts: presenters that turn engine results into documents and pictures."""
