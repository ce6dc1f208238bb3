"""Write side of supervision: one function per act, each its own transaction with its guard inside.

- `sweep`: alerts for near-due and overdue stages, unanswered supervisions and 催办 (idempotent).
- `supervisions`: 提醒函, 督办函, the three recommendations and their feedback; 挂牌督办.
- `leaders`: the reception schedule, reception records, 领导包案.
"""
