"""Drawing: a frame, its pose and the analyzer's per-frame update in, an annotated picture out; and video sinks.

Annotators only draw what the analyzer decided; none of them re-derives a decision.
"""
