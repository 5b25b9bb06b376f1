"""What supervisors read and export: reports, the wallboard, exports, post-incident reviews."""
