"""Mappings shipped with the importer, one TOML file per CRM export format."""
