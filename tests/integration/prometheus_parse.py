#!/usr/bin/env python3
"""prometheus_parse.py - reads a Prometheus text exposition (format 0.0.4) from a file,
checks its shape and prints its samples as JSON: [{"name", "labels", "value"}, ...].

Checked: every line is a comment (# HELP name text, # TYPE name gauge|counter|...) or a
sample `name{label="value",...} number`; label values use only the escapes \\\\, \\"
and \\n; every sample's metric has HELP and TYPE lines before it; the samples of one
metric are together (no metric comes back after another began); no sample repeats
the same name and labels. Exit 1 with the line that breaks a rule."""
import json
import math
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL_NAME = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


def fail(lineno, line, why):
    sys.stderr.write(f'line {lineno}: {why}: {line!r}\n')
    sys.exit(1)


def parse_labels(text, lineno, line):
    """text starts after '{'; returns (labels, rest after '}')."""
    labels = {}
    i = 0
    while True:
        if text[i:i + 1] == '}':
            return labels, text[i + 1:]
        m = LABEL_NAME.match(text, i)
        if not m or text[m.end():m.end() + 2] != '="':
            fail(lineno, line, 'bad label')
        name = m.group(0)
        i = m.end() + 2
        value = []
        while True:
            if i >= len(text):
                fail(lineno, line, 'unterminated label value')
            c = text[i]
            if c == '\\':
                esc = text[i + 1:i + 2]
                if esc not in ('\\', '"', 'n'):
                    fail(lineno, line, f'bad escape \\{esc} in a label value')
                value.append('\n' if esc == 'n' else esc)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == '\n':
                fail(lineno, line, 'line feed in a label value')
            else:
                value.append(c)
                i += 1
        if name in labels:
            fail(lineno, line, f'label {name} twice')
        labels[name] = ''.join(value)
        if text[i:i + 1] == ',':
            i += 1
        elif text[i:i + 1] != '}':
            fail(lineno, line, 'expected , or } after a label')


def main():
    helps, types, done, seen = set(), set(), set(), set()
    current = None
    samples = []
    with open(sys.argv[1], encoding='utf-8') as f:
        text = f.read()
    if not text.endswith('\n'):
        fail(0, text[-40:], 'the text does not end with a line feed')
    for lineno, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('#'):
            parts = line.split(' ', 3)
            if len(parts) >= 3 and parts[1] in ('HELP', 'TYPE'):
                name = parts[2]
                if not NAME.fullmatch(name):
                    fail(lineno, line, 'bad metric name')
                if parts[1] == 'TYPE' and (len(parts) != 4 or parts[3] not in TYPES):
                    fail(lineno, line, 'bad TYPE')
                if name != current:
                    if current:
                        done.add(current)
                    if name in done:
                        fail(lineno, line, 'a metric described again after another one')
                    current = name
                described = helps if parts[1] == 'HELP' else types
                if name in described:
                    fail(lineno, line, f'{parts[1]} twice')
                described.add(name)
            continue
        if not line.strip():
            fail(lineno, line, 'empty line')
        m = NAME.match(line)
        if not m:
            fail(lineno, line, 'no metric name')
        name = m.group(0)
        rest = line[m.end():]
        labels = {}
        if rest.startswith('{'):
            labels, rest = parse_labels(rest[1:], lineno, line)
        if not rest.startswith(' '):
            fail(lineno, line, 'no space before the value')
        value_text = rest[1:]
        try:
            value = float(value_text)
        except ValueError:
            fail(lineno, line, 'the value is not a number')
        if ' ' in value_text or math.isnan(value):
            fail(lineno, line, 'bad value')
        if name not in helps or name not in types:
            fail(lineno, line, 'a sample without HELP and TYPE before it')
        if name != current:
            fail(lineno, line, f'a sample of {name} outside its block (after {current})')
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            fail(lineno, line, 'the same series twice')
        seen.add(key)
        samples.append({'name': name, 'labels': labels, 'value': value})
    json.dump(samples, sys.stdout, ensure_ascii=False)
    sys.stdout.write('\n')


main()
