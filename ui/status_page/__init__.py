"""The public status page in the console: its settings and preview (Supervisor > Public status
page…, and the war room's Status page…), and re-publishing it after each change."""
