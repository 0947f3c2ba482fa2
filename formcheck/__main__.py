"""`python -m formcheck`, and the `formcheck` command (`run`): Ctrl-C is guarded before the command's imports."""

from formcheck.interrupt import guard_start


def run() -> None:
    guard_start()
    from formcheck.cli import main

    main()


if __name__ == "__main__":
    run()
