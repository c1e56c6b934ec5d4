#!/usr/bin/env python
from congdoan.__main__ import main

if __name__ == "__main__":
    main()
