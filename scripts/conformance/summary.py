"""Pass count and the largest failure groups of a Robot Framework output.xml (the ETSI suite's results)."""

import collections
import sys
import xml.etree.ElementTree as ET


def main(path: str) -> None:
    root = ET.parse(path).getroot()  # noqa: S314 (our own run's output)
    failures = collections.Counter()
    total = passed = 0
    for test in root.iter("test"):
        status = test.find("status")
        total += 1
        if status.get("status") == "PASS":
            passed += 1
        else:
            failures[(status.text or "").replace("\n", " ")[:90]] += 1
    print(f"{passed}/{total} passed")
    for message, count in failures.most_common(25):
        print(f"{count:4d}  {message}")


if __name__ == "__main__":
    main(sys.argv[1])
