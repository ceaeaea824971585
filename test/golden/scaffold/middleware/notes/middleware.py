class TimingMiddleware:
  def __init__(self, get_response):
    self.get_response = get_response

  def __call__(self, request):
    # Before the view (and the middleware below this one).
    response = self.get_response(request)
    # After the view, on the way back up.
    return response
