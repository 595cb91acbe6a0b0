"""Who may do what: users and roles (`users`), passwords and sign-in sessions (`auth`), which calls a viewer may
see (`access`), the demo accounts (`demo_users`).

May import: qa.store and below. Permissions are enforced here, not only in the app."""
