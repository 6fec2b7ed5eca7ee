def equal(*args, **kwargs):
    pass
