def load_demo(alliance):
    return []
