"""A stand-in for Together's reference checker, for the check benchmark's baseline.

Together's own checker (`check_file` of the together Python SDK) cannot be installed here (no PyPI), so this
script does the same work the same way, from the rules in ../shared/docs/dataset-rules-2026.md (version (a)):
one pass that decodes the whole file as strict UTF-8, then a second, line by line in text mode, that parses each
line with `json.loads` and applies the format and message rules. It is written for this benchmark, not copied; its
cost, dominated by `json.loads` and per-message Python loops, is what the reference's is (if anything lower: the
reference also wraps its loop in a tqdm progress bar, which this leaves out).

Usage: python3 reference_check.py FILE  (prints the verdict and the number of samples; exit 1 on a failed check)
"""

import json
import sys

REQUIRED = {
    "general": ["text"],
    "conversation": ["messages"],
    "instruction": ["prompt", "completion"],
    "preference_openai": ["input", "preferred_output", "non_preferred_output"],
}
EXTRA = {"general": [], "conversation": ["tools"], "instruction": [], "preference_openai": []}
ROLES = {"system", "user", "assistant", "tool"}


class Invalid(Exception):
    pass


def check_content(content, role, line):
    if isinstance(content, str):
        return False, 0
    if isinstance(content, list):
        images = 0
        for item in content:
            if not isinstance(item, dict) or "type" not in item:
                raise Invalid(f"malformed content on line {line}")
            if item["type"] == "image_url":
                if role != "user":
                    raise Invalid(f"only user messages can contain images (line {line})")
                images += 1
            elif item["type"] != "text" or not isinstance(item.get("text"), str):
                raise Invalid(f"malformed content item on line {line}")
        return True, images
    raise Invalid(f"invalid content type on line {line}")


def check_messages(messages, line, require_assistant=True):
    if len(messages) == 0:
        raise Invalid(f"empty messages on line {line}")
    for message in messages:
        if not isinstance(message, dict):
            raise Invalid(f"messages must be a list of dicts on line {line}")
        if "role" not in message:
            raise Invalid(f"missing role on line {line}")
        if message["role"] != "assistant" and "content" not in message:
            raise Invalid(f"missing content on line {line}")
        if "content" not in message and "tool_calls" not in message:
            raise Invalid(f"missing content or tool_calls on line {line}")
    has_assistant = False
    multimodal = None
    for message in messages:
        if "weight" in message:
            if not isinstance(message["weight"], int) or message["weight"] not in (0, 1):
                raise Invalid(f"bad weight on line {line}")
        role = message["role"]
        if not isinstance(role, str) or role not in ROLES:
            raise Invalid(f"invalid role on line {line}")
        has_assistant |= role == "assistant"
        if not message.get("content"):
            continue
        is_multimodal, _ = check_content(message["content"], role, line)
        if multimodal is None:
            multimodal = is_multimodal
        elif multimodal != is_multimodal:
            raise Invalid(f"mixed content formats on line {line}")
    if require_assistant and not has_assistant:
        raise Invalid(f"no assistant message on line {line}")


def check_file(path):
    with open(path, encoding="utf-8") as f:
        for _ in f:
            pass
    samples = 0
    first_format = None
    with open(path, encoding="utf-8") as f:
        for index, text in enumerate(f):
            line = index + 1
            sample = json.loads(text)
            if not isinstance(sample, dict):
                raise Invalid(f"line {line} is not an object")
            found = None
            # Every format is tried on every line, as the reference does (its loop does not stop at a match).
            for name, columns in REQUIRED.items():
                if all(column in sample for column in columns):
                    if found is not None:
                        raise Invalid(f"two formats on line {line}")
                    for key in sample:
                        if key not in columns and key not in EXTRA[name]:
                            raise Invalid(f'extra column "{key}" on line {line}')
                    found = name
            if found is None:
                raise Invalid(f"no format on line {line}")
            if found == "conversation":
                check_messages(sample["messages"], line)
            elif found == "preference_openai":
                check_messages(sample["input"]["messages"], line, require_assistant=False)
            else:
                for column in REQUIRED[found]:
                    check_content(sample[column], "assistant" if column == "completion" else "user", line)
            if first_format is None:
                first_format = found
            elif found != first_format:
                raise Invalid(f"format changes on line {line}")
            samples += 1
    return samples


if __name__ == "__main__":
    try:
        print(f"passed: {check_file(sys.argv[1])} samples")
    except (Invalid, ValueError) as error:
        print(f"failed: {error}")
        sys.exit(1)
