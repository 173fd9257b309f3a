"""The NGSI-LD API (ETSI GS CIM 009): entities, batch, query, temporal (ngsild.py) and subscriptions."""
