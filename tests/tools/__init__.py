"""Tests of the project's own tools (tools/minicloud), not of the product.

Pure logic of the tools that judge and measure the product (the fault
run's verdicts, the memory run's report), run by ``tox -e py3`` after the
unit tests.
"""
