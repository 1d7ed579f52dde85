"""Batching: a folder of submissions checked unattended. run drives it, work is what the child
processes do, isolation bounds a reader in a child process. May import everything but cli/commands.
"""
