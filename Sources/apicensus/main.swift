print("apicensus")
