"""Contracts with the outside: response messages, the scope policy, adapters."""
