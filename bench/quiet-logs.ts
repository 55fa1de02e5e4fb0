// Imported before anything from the app, so the setting is in place whenever the app reads the
// environment (its config module once did so at import time). Per-request logs would bury the
// figures on stdout; `LOG_LEVEL=info npm run bench | grep -v '^{'` measures with them.
process.env.LOG_LEVEL ??= 'warn';
