"""python -m benchmarks — see benchmarks/suite.py and docs/prestaties.md."""
import sys

from .suite import main

sys.exit(main())
