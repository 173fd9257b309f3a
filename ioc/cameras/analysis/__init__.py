"""Video analysis for the cameras domain, free of Django so the worker and `ioc cameras count` share it:
decoding, motion gating, detection (classical or ONNX), tracking, line counts and zone occupancy."""

CLASSES = ("person", "bicycle", "motorbike", "car", "bus", "truck")
