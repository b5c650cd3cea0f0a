import TallyCLI

TallyCommand.main()
