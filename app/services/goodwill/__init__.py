"""Making it right: the goodwill gestures a major incident owes the people it kept waiting
(apologies, service credits, priority callbacks, extended deadlines), and the callbacks
already owed on its calls."""
