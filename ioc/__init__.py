"""Lai Châu IOC — Intelligent Operations Center (Trung tâm điều hành đô thị thông minh)."""
