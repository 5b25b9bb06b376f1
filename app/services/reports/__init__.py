"""What supervisors read and export: reports, the wallboard, exports and the post-incident review."""
