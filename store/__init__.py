"""The database: models, migrations, imports and queries. The only place SQL lives."""
