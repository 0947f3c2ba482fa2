"""Drawing: a frame, its pose and the analyzer's per-frame update in, an annotated picture out; and video sinks.

One small annotator per element, each with `annotate(image, state) -> image` reading a `DrawState` (state.py):
skeleton, body_line, elbow (label and gauge), counter, status, banner; `overlay.Overlay` composes them in order
(`draw_overlay` for one frame). style.py holds colours, sizes and text primitives; thumbnails.py the small frames
of reports; video.py writes frames to a file; annotate.py is the annotated-video frame sink. Annotators only draw
what the analyzer decided; none of them re-derives a decision.
"""
