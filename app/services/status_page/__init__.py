"""The public status page: what the world may see of the services and major incidents, its
team settings, and publishing it to a folder or an HTTP PUT / WebDAV address."""
