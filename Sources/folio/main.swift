import FolioCLI
Folio.runProcess()
