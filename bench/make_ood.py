#!/usr/bin/env python3
"""Writes bench/data/made.jsonl: text unlike both the chat-train completions and the other
bench/data sets -- short chat turns, tool-call JSON, dialogue transcripts -- from fixed
templates and a seeded RNG (the same file every run). Used by docs/MODEL.md's OOD rows."""
import json, random

rng = random.Random(11)
names = ["Ana", "Bo", "Chidi", "Dmitri", "Eun-ji", "Farah", "Gus", "Hiro", "Ines", "Jomo"]
cities = ["Lisbon", "Osaka", "Nairobi", "Quito", "Tallinn", "Perth", "Accra", "Hanoi"]
items = ["a blue kettle", "two train tickets", "the Q3 invoice", "a dentist slot", "my parcel",
         "the wifi password", "a table for four", "the spare key"]
short = [
    "ok thx", "lol no", "can u resend?", "brb 5 min", "yes pls", "where r u??", "sounds good!",
    "nvm found it", "what time tmrw?", "👍", "ugh, traffic", "k see u at 7", "did it work?",
    "sry, wrong chat", "call me when free", "haha same", "got it, merci", "404 again :(",
]
tools = ["get_weather", "search_flights", "create_ticket", "lookup_order", "send_sms", "run_sql"]


def turn():
    n = rng.randint(1, 4)
    return "\n".join(f"{rng.choice(names)}: {rng.choice(short)}" for _ in range(n))


def tool_call():
    t = rng.choice(tools)
    args = {
        "get_weather": {"city": rng.choice(cities), "unit": rng.choice(["c", "f"])},
        "search_flights": {"from": rng.choice(cities), "to": rng.choice(cities),
                           "date": f"2026-{rng.randint(1,12):02d}-{rng.randint(1,28):02d}", "adults": rng.randint(1, 4)},
        "create_ticket": {"title": f"Cannot find {rng.choice(items)}", "priority": rng.choice(["low", "high"])},
        "lookup_order": {"order_id": f"ORD-{rng.randint(10000, 99999)}"},
        "send_sms": {"to": f"+{rng.randint(10**10, 10**11)}", "body": rng.choice(short)},
        "run_sql": {"query": f"SELECT id, total FROM orders WHERE user_id = {rng.randint(1, 9999)} LIMIT {rng.randint(1, 50)}"},
    }[t]
    call = {"id": f"call_{rng.getrandbits(40):010x}", "type": "function",
            "function": {"name": t, "arguments": json.dumps(args)}}
    return json.dumps({"role": "assistant", "tool_calls": [call]}, ensure_ascii=False)


def transcript():
    a, b = rng.sample(names, 2)
    lines = []
    for i in range(rng.randint(4, 12)):
        who = a if i % 2 == 0 else b
        ts = f"[{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}]"
        said = rng.choice([
            f"so about {rng.choice(items)}, did you check with {rng.choice(names)}?",
            f"I'm in {rng.choice(cities)} until Thursday, then back.",
            "Right, right. Um, let me pull that up.",
            f"It says {rng.randint(2, 40)} minutes, which, honestly, I doubt.",
            "Can you hear me? You cut out for a second.",
            f"Okay. I'll email {rng.choice(names)} and copy you.",
            "[laughs] No, the other one.",
            f"We moved it to the {rng.randint(1, 30)}th.",
        ])
        lines.append(f"{ts} {who}: {said}")
    return "\n".join(lines)


with open("bench/data/made.jsonl", "w") as f:
    for i in range(90):
        kind = ["turn", "tool", "transcript"][i % 3]
        text = {"turn": turn, "tool": tool_call, "transcript": transcript}[kind]()
        f.write(json.dumps({"source": f"made-{kind}-{i}", "text": text}, ensure_ascii=False) + "\n")
