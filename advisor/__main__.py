from advisor.cli.entry import main

raise SystemExit(main())
