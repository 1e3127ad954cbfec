import sys

from tools.workflow.run import main

sys.exit(main())
