"""Services: the operations of the app, each in one transaction, called by views and jobs."""
