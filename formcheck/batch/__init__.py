"""Batch scoring: many clips in parallel worker processes (or on Dask), resumable, with accuracy against labels.

    from formcheck.batch import BatchOptions, run_batch
    report = run_batch(["clips/"], BatchOptions(out=Path("results"), labels=Path("clips/labels.json")))
    report.rows, report.metrics

`formcheck batch` (`batch_command`) is the command line over it. See docs/batch.md.
"""

from formcheck.lazy import lazy_exports

__getattr__, __dir__ = lazy_exports(__name__, {  # imported on first use: `formcheck --help` does not need the runner
    "batch_command": "cli", "compute_metrics": "evaluate", "load_labels": "evaluate",
    "BatchOptions": "runner", "BatchReport": "runner", "run_batch": "runner",
}, globals())

__all__ = ["BatchOptions", "BatchReport", "batch_command", "compute_metrics", "load_labels", "run_batch"]
