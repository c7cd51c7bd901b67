"""What the CLI and the web/API both do, written once: adding and updating policies,
subscriptions, choosing two versions to compare, exports and watch lists."""
