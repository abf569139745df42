"""Pieces every area shares: model mixins, errors, validators, permissions, sorting, paging."""
