import sys

from teachkit.cli import main

sys.exit(main())
